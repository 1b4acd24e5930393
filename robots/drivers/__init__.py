"""How robots reach a screen: a browser (Playwright) or a desktop client (PyAutoGUI)."""
