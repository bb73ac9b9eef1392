"""Fixes for Quasar widgets that axe-core finds inaccessible, applied to every page.

QUploader (ui.upload) puts its file input, unlabelled and with tabindex -1, inside an icon-only
`<a role="button">` with no name: axe reports a missing label (critical), a nameless button and a nested
interactive control (serious). The script gives the file input a name and the keyboard focus, and makes the
wrapper presentational, re-applying both whenever Vue re-renders the uploader. An uploader that only carries the
file for ui/file_field.py's own button is hidden, so everything in it leaves the tab order.
"""

from __future__ import annotations

from nicegui import ui

UPLOADER_SCRIPT = """
<script>
(() => {
  const set = (el, name, value) => { if (el.getAttribute(name) !== value) el.setAttribute(name, value); };
  const fix = () => {
    for (const uploader of document.querySelectorAll('.q-uploader')) {
      const input = uploader.querySelector('input.q-uploader__input');
      if (!input) continue;
      const title = uploader.querySelector('.q-uploader__title');
      const words = title && title.textContent.trim();
      set(input, 'aria-label', words ? 'Choose a file: ' + words : 'Choose a file');
      // a carrier of ui/file_field.py is hidden behind its own labelled button: keep it out of the tab order
      const carrier = uploader.classList.contains('file-field-carrier');
      set(input, 'tabindex', carrier ? '-1' : '0');
      for (const control of uploader.querySelectorAll('[tabindex="0"], button')) {
        if (carrier) set(control, 'tabindex', '-1');
      }
      const wrapper = input.closest('[role="button"], [role="presentation"]');
      if (wrapper) { set(wrapper, 'role', 'presentation'); set(wrapper, 'tabindex', '-1'); }
    }
  };
  new MutationObserver(fix).observe(document.documentElement,
    {subtree: true, childList: true, attributes: true, attributeFilter: ['role', 'tabindex', 'aria-label']});
  document.addEventListener('DOMContentLoaded', fix);
})();
</script>
<style>
.q-uploader__header [role="presentation"]:has(input:focus-visible) { outline: 3px solid #FFEB3B;
  box-shadow: 0 4px 0 #212B32; }
</style>
"""


def register() -> None:
    ui.add_body_html(UPLOADER_SCRIPT, shared=True)
