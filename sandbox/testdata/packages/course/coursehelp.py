"""A course's helper module: what a teacher hands out with an exercise."""

CALLS = []


def check(got, want):
    CALLS.append((got, want))
    print("ok" if got == want else "expected %r, got %r" % (want, got))


def where():
    return __file__
