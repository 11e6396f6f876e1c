print("not the real json")
