print("aep-inlet-emulator: not built yet")
