"""CTA Desk panels: one module per dock. Widgets format and display; engine/ computes."""
