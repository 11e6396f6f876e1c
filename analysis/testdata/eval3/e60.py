# time: O(n*m) space: O(n*m) family: breadth-first search
from collections import deque
def il(g):
    h, w = len(g), len(g[0])
    sn = [[False] * w for _ in range(h)]
    k = 0
    for i in range(h):
        for j in range(w):
            if g[i][j] == 1 and not sn[i][j]:
                k += 1
                q = deque([(i, j)])
                sn[i][j] = True
                while q:
                    y, x = q.popleft()
                    for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                        ny, nx = y + dy, x + dx
                        if 0 <= ny < h and 0 <= nx < w and g[ny][nx] == 1 and not sn[ny][nx]:
                            sn[ny][nx] = True
                            q.append((ny, nx))
    return k
print(il([[1, 1, 0], [0, 0, 1], [1, 0, 1]]))
