// Integer matrix product of two vector<vector<int>>; the result is assembled with push_back.
#include <vector>

using std::vector;

vector<vector<int>> matmul(const vector<vector<int>> &a, const vector<vector<int>> &b)
{
    int m = a.size();
    int p = b.size();
    int n = b[0].size();
    vector<vector<int>> c;
    for (int i = 0; i < m; i++) {
        vector<int> row;
        for (int j = 0; j < n; j++) {
            int s = 0;
            for (int k = 0; k < p; k++)
                s += a[i][k] * b[k][j];
            row.push_back(s);
        }
        c.push_back(row);
    }
    return c;
}
