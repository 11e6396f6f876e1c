# time: O(n^2) space: O(n) family: -
def tri(k):
    rows = []
    for a in range(k):
        row = [1] * (a + 1)
        for b in range(1, a):
            row[b] = rows[a - 1][b - 1] + rows[a - 1][b]
        rows.append(row)
    return rows[-1]
print(tri(6))
