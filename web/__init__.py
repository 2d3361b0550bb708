"""The web face of the Study Assistant: the Gradio chat UI and the portal API.

Code flows one way: ``web`` -> ``assistant`` -> ``index``; nothing here is imported by those layers.
``web.server.create_app`` composes everything; ``app.py`` is the thin entry point.
"""
