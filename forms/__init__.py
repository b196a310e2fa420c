"""WTForms per audience."""
