class AppError(Exception):
    def __init__(self, code, msg):
        super().__init__(msg)
        self.code = code


def risky(n):
    if n % 3 == 0:
        raise AppError(n, f"bad {n}")
    if n % 5 == 0:
        raise ValueError(n)
    return n


out = []
for i in range(12):
    try:
        out.append(risky(i))
    except AppError as e:
        out.append(("app", e.code, str(e)))
    except ValueError as e:
        out.append(("value", e.args))
    else:
        out.append("ok")
    finally:
        out.append(".")
print(out)
try:
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise KeyError("k") from e
except KeyError as e:
    print(repr(e), type(e.__cause__).__name__)
try:
    [].pop()
except IndexError as e:
    print(e)
try:
    {}["missing"]
except KeyError as e:
    print(repr(e))
try:
    int("x")
except ValueError as e:
    print(e)
try:
    raise ExceptionGroup("many", [ValueError(1), TypeError(2)])
except* ValueError as eg:
    print("values", eg.exceptions)
except* TypeError as eg:
    print("types", eg.exceptions)
class Quiet:
    def __enter__(self):
        print("enter")
        return self

    def __exit__(self, kind, value, tb):
        print("exit", kind.__name__, value)
        return True


with Quiet():
    raise RuntimeError("swallowed")
print("done")
