"""Example that does NOT lift: a running total.

Each total[i] reads the total[i - 1] computed by the previous iteration (a
loop-carried dependence), so the loop is not one element-wise or reduction
expression of its inputs. tensorlift reports it as not-lifted and says why,
rather than guessing.

    tensorlift lift examples/prefix_sum.py
"""


def running_total(amounts):
    total = [0.0] * len(amounts)
    if len(amounts) == 0:
        return total
    total[0] = amounts[0]
    for i in range(1, len(amounts)):
        total[i] = total[i - 1] + amounts[i]
    return total
