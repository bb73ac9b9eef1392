"""The NiceGUI app: thin pages over tracker."""
