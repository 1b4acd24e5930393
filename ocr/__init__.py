"""Image → text with confidence. The lowest layer: knows nothing of forms, robots or schedules."""
