"""Bucket index and offset with Python's flooring // and %: for bucketing signed keys."""


def bucketize(keys, width):
    bucket = [0] * len(keys)
    offset = [0] * len(keys)
    for i in range(len(keys)):
        bucket[i] = keys[i] // width
        offset[i] = keys[i] % width
    return bucket, offset
