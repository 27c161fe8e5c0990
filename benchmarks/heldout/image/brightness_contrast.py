"""Linear brightness/contrast on grey levels in [0, 1]: out = (p - 0.5) * contrast + 0.5 + brightness (no clamping)."""


def adjust_levels(pixels: list[float], brightness: float, contrast: float) -> list[float]:
    adjusted = []
    for p in pixels:
        adjusted.append((p - 0.5) * contrast + 0.5 + brightness)
    return adjusted
