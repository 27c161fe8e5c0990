"""Energy of the first half of a frame only (e.g. the low-frequency bins of a spectrum)."""


def low_band_energy(mag):
    half = len(mag) // 2
    e = 0.0
    for i in range(half):
        e += mag[i] * mag[i]
    return e
