import statistics as st
import random
import bisect
import array
import copy
import pprint

data = [2.5, 3.1, 4.7, 1.2, 9.9, 3.1, 5.5, 6.0]
print(st.mean(data), st.median(data), st.mode(data), round(st.stdev(data), 10), round(st.pvariance(data), 10))
print(st.quantiles(data, n=4), st.NormalDist(100, 15).cdf(130), st.correlation([1, 2, 3, 4], [2, 4, 5, 9]))
r = random.Random(7)
print([round(r.gauss(0, 1), 6) for _ in range(3)], r.randrange(0, 1000, 7), r.uniform(1, 2))
xs = sorted(r.sample(range(1000), 20))
print(xs, bisect.bisect_left(xs, 500), bisect.insort(xs, 501) or xs.index(501))
a = array.array("d", [1.5, 2.5])
a.append(3.5)
print(a, a.tobytes()[:8], array.array("i", range(5)).tolist())
nested = {"a": [1, {"b": [2, 3]}], "c": set()}
cp = copy.deepcopy(nested)
cp["a"][1]["b"].append(4)
print(nested, cp)
pprint.pprint({"key%d" % i: list(range(i)) for i in range(8)}, width=60)
