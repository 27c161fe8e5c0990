"""Keep only the positive readings; the output length depends on the data."""


def positive_readings(xs):
    kept = []
    for i in range(len(xs)):
        if xs[i] > 0:
            kept.append(xs[i])
    return kept
