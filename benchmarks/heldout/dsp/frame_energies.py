"""Short-time energy: e[f] = sum_{k < frame_len} x[f*hop + k]^2 for every complete (possibly overlapping) frame."""
import numpy as np


def frame_energies(x, frame_len, hop):
    nframes = (len(x) - frame_len) // hop + 1
    energies = np.zeros(nframes)
    for f in range(nframes):
        start = f * hop
        e = 0.0
        for k in range(frame_len):
            s = x[start + k]
            e += s * s
        energies[f] = e
    return energies
