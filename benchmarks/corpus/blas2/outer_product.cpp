// Outer product u * v^T, returned as rows of a vector<vector<double>>.
#include <vector>

using namespace std;

vector<vector<double>> outer(const vector<double> &u, const vector<double> &v)
{
    vector<vector<double>> P;
    for (int i = 0; i < (int)u.size(); i++) {
        vector<double> row;
        for (int j = 0; j < (int)v.size(); j++) {
            row.push_back(u[i] * v[j]);
        }
        P.push_back(row);
    }
    return P;
}
