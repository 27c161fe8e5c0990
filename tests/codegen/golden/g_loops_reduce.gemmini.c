// rules: (fallback)

void g_loops_reduce(int32_t m, int32_t n, int8_t A[][n], int32_t *r) {
    for (long i = 0; i < m; ++i) {
        int32_t _acc1 = 0;
        int _first1 = 1;
        for (long j = 0; j < n; ++j) {
            int32_t _v1 = (((int32_t)A[i][j]) * 2);
            if (_first1 || _v1 > _acc1) _acc1 = _v1;
            _first1 = 0;
        }
        int32_t _acc2 = 0;
        int _first2 = 1;
        for (long j = 0; j < n; ++j) {
            int32_t _v2 = ((int32_t)A[i][j]);
            if (_first2 || _v2 < _acc2) _acc2 = _v2;
            _first2 = 0;
        }
        r[i] = (_acc1 + _acc2);
    }
}
