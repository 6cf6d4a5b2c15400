"""Plain types shared by the model, the profiles and the renderers (below all of them)."""
