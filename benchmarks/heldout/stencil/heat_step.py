"""One explicit step of the 1-D heat equation with fixed ends: v[i] = u[i] + r * (u[i-1] - 2 u[i] + u[i+1]) for interior i."""


def diffuse_once(u, r):
    v = list(u)
    for i, (left, mid, right) in enumerate(zip(u, u[1:], u[2:])):
        v[i + 1] = mid + r * (left - 2.0 * mid + right)
    return v
