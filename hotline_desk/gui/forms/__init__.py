"""Forms compiled from ui/*.ui by build/compile_forms.py; do not edit."""
