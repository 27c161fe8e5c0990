"""Dequantise integer codes to floats: value = float(code - zero_point) * scale."""


def dequantize(codes, scale, zero_point):
    out = [0.0] * len(codes)
    for i in range(len(codes)):
        out[i] = float(codes[i] - zero_point) * scale
    return out
