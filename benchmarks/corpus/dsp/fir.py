"""FIR filter over the valid region of a list of samples."""


def fir_filter(samples, coeffs):
    ntaps = len(coeffs)
    out = []
    for i in range(len(samples) - ntaps + 1):
        acc = 0.0
        for k in range(ntaps):
            acc += coeffs[k] * samples[i + ntaps - 1 - k]
        out.append(acc)
    return out
