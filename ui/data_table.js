// A table drawn from data: every value becomes a text node or an attribute value, never markup or a template.
// The spec (built by ui/grids.py and ui/session_table.py) names cells, the parts inside them (a line or a fold
// holds parts of its own) and a tone for colour; links go only to paths on this site. A render function (not a
// template string) so no data is ever compiled.
import { h } from "vue";

const DATA_NAME = /^[a-z][a-z0-9-]*$/;

function dataAttributes(data) {
  const out = {};
  for (const [key, value] of Object.entries(data || {})) {
    if (DATA_NAME.test(key)) out["data-" + key] = String(value);
  }
  return out;
}

function sitePath(url) {
  return typeof url === "string" && /^\/(?![/\\])/.test(url) ? url : undefined;
}

// An http(s) address (a policy's document): no other scheme, no spaces, control characters or backslashes.
function webAddress(url) {
  return typeof url === "string" && /^https?:\/\/[^/?#@]/i.test(url) && !/[\x00-\x20\x7f\\]/.test(url)
    ? url : undefined;
}

// A button as Quasar draws a flat, dense, primary one, with no listener of its own: a listener on the table
// (the page's) reads its data-act. A real <button>: the keyboard presses it and its click bubbles up.
function button(p) {
  const content = [];
  if (p.icon) content.push(h("i", { class: "q-icon notranslate material-icons on-left", "aria-hidden": "true" }, String(p.icon)));
  content.push(h("span", { class: "block" }, String(p.button)));
  return h("button", {
    type: "button",
    class: "q-btn q-btn-item non-selectable no-outline q-btn--flat q-btn--rectangle text-primary q-btn--actionable q-focusable q-hoverable q-btn--no-uppercase q-btn--dense",
    "data-act": String(p.act),
    "aria-label": p.label === undefined ? undefined : String(p.label),
  }, [
    h("span", { class: "q-focus-helper" }),
    h("span", { class: "q-btn__content text-center col items-center q-anchor--skip justify-center row" }, content),
  ]);
}

export default {
  props: {
    spec: { type: Object, required: true },
  },
  // A grid of months opens on its newest months (the one in progress included), the names staying in view; it
  // stays at the newest end as the page is laid out or resized, until the user scrolls it themselves.
  mounted() {
    if (!this.spec.scrollEnd) return;
    const el = this.$el;
    const toEnd = () => { if (!this.userScrolled) el.scrollLeft = el.scrollWidth; };
    for (const name of ["wheel", "pointerdown", "keydown", "touchstart"]) {
      el.addEventListener(name, () => { this.userScrolled = true; }, { passive: true });
    }
    this.resizes = new ResizeObserver(toEnd);
    this.resizes.observe(el);
    if (el.firstElementChild) this.resizes.observe(el.firstElementChild);
    toEnd();
  },
  unmounted() {
    if (this.resizes) this.resizes.disconnect();
  },
  render() {
    const spec = this.spec;
    const tones = spec.tones || {};
    const toneStyle = (name) => (tones[name] ? { background: tones[name][0], color: tones[name][1] } : undefined);
    const part = (p) => {
      if ("text" in p) return [String(p.text)];
      if ("sr" in p) return [h("span", { class: "sr-only" }, String(p.sr))];
      if ("hidden" in p) return [h("span", { "aria-hidden": "true" }, String(p.hidden))];
      if ("detail" in p) return [h("div", { class: "detail" }, String(p.detail))];
      if ("when" in p) return [h("br"), h("span", { class: "when" }, String(p.when))];
      if ("link" in p) {
        // cls is the spec's own (a style of ours, never data); label names the link to a screen reader
        const label = p.label === undefined ? undefined : String(p.label);
        return [h("a", { href: sitePath(p.href), class: p.cls, "aria-label": label, ...dataAttributes(p.data) }, String(p.link))];
      }
      if ("web" in p) {
        const href = webAddress(p.href);
        if (!href) return [h("span", String(p.web))];
        const label = p.label === undefined ? undefined : String(p.label);
        return [h("a", { href, target: "_blank", rel: "noopener noreferrer", "aria-label": label }, String(p.web))];
      }
      // a link to a path on this site that opens in a new tab (a certificate), named to a screen reader by label
      if ("tab" in p) {
        const label = p.label === undefined ? undefined : String(p.label);
        return [h("a", { href: sitePath(p.href), target: "_blank", rel: "noopener", "aria-label": label }, String(p.tab))];
      }
      if ("button" in p) return [button(p)];
      if ("chip" in p) {
        const icon = (tones[p.tone] || [])[2] || "";
        return [
          h("span", { class: "status-chip", style: toneStyle(p.tone), "data-status": String(p.status) }, [
            h("i", { class: "q-icon notranslate material-icons", "aria-hidden": "true" }, icon),
            String(p.chip),
          ]),
        ];
      }
      if ("line" in p) return [h("div", { class: "part-line" }, (p.line || []).flatMap(part))];
      if ("para" in p) {
        const cls = ["part-para", p.italic ? "italic" : "", p.small ? "text-sm" : ""].filter(Boolean).join(" ");
        return [h("div", { class: cls }, String(p.para))];
      }
      // folded by the browser itself: its summary is a native control (keyboard and screen readers) with no code
      if ("fold" in p) {
        return [h("details", { class: "fold" }, [h("summary", String(p.fold)), ...(p.parts || []).flatMap(part)])];
      }
      if ("bar" in p) {
        const width = Math.max(0, Math.min(Number(p.bar) || 0, 100));
        return [h("div", { class: "bar-track", "aria-hidden": "true" }, [h("div", { class: "bar-fill", style: { width: width + "%" } })])];
      }
      return [];
    };
    const cell = (c, scope) =>
      h(
        c.header || scope === "col" ? "th" : "td",
        {
          scope: scope === "col" ? "col" : c.header ? "row" : undefined,
          class: c.cls,
          style: toneStyle(c.tone),
          title: c.title === undefined ? undefined : String(c.title),
          colspan: c.colspan,
          ...dataAttributes(c.data),
        },
        (c.parts || []).flatMap(part),
      );
    const row = (r) => h("tr", { class: r.cls, ...dataAttributes(r.data) }, (r.cells || []).map((c) => cell(c)));
    const sections = [
      h("caption", { class: "sr-only" }, String(spec.caption || "")),
      h("thead", [h("tr", (spec.head || []).map((c) => cell(c, "col")))]),
      h("tbody", (spec.rows || []).map(row)),
    ];
    if (spec.foot && spec.foot.length) sections.push(h("tfoot", spec.foot.map(row)));
    return h("div", [h("table", { class: spec.cls }, sections)]);
  },
};
