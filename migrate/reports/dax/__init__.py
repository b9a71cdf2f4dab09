"""DAX, as far as the conversion needs it: parsed into a small tree (``parse``) and translated to
QuickSight's calculated-field language (``translate``)."""
