"""Flask-WTF forms, one module per area. Every form carries CSRF protection."""
