"""Mean squared error between predictions and targets: (1/n) * sum_i (pred_i - target_i)^2."""


def mean_squared_error(pred: list[float], target: list[float]) -> float:
    total = 0.0
    for p, t in zip(pred, target):
        total += (p - t) ** 2
    return total / len(pred)
