// Keeps the target buildable until the streaming client's sources land; delete then.
