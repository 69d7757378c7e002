# The session loads torch (detector tests) and tensorflow (DCGAN tests): torch's side must load first.
import snapmode.vision.torch_first  # noqa: F401
