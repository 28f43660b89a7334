"""Line 1: quick registration of a caller as a case with its first contact moment."""
