"""Import this module before tensorflow in any process that may also use torch.

Loading torchvision or triton after tensorflow segfaults the process (their native libraries
clash); loaded first, all three coexist. Importing it is the whole effect.
"""

import torch  # noqa: F401
import torchvision  # noqa: F401
import triton  # noqa: F401
