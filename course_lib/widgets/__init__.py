"""Interactive explorers of the notebooks (ipywidgets 8 and matplotlib).

Each explorer returns an Explorer (see course_lib.widgets.explorer): a VBox of controls, a one-line readout
and the current figure. Code (and tests) can read and set everything a student sees:

    explorer = neuron_explorer()
    explorer.set_values(w1=1.0, w2=1.0, bias=-1.5)
    explorer.readout.value        # "4 of 4 points correct"
    explorer.results["correct"]   # 4

Every explorer takes the functions it shows as arguments, so a notebook can pass the student's own once they
pass their checks; the course's references are the defaults.

    notebook 01  neuron_explorer(perceptron_fn)
    notebook 02  init_explorer(init_fn, forward_fn)
    notebook 03  activation_explorer(functions)
    notebook 04  softmax_explorer(softmax_fn, cross_entropy_fn, num_classes=3)
    notebook 06  learning_rate_explorer(sgd_update_fn, forward_fn, backward_fn, hidden_size=64, seed=0)
    notebook 07  optimizer_race(sgd_update_fn, momentum_update_fn, rmsprop_update_fn, adam_update_fn)
    notebook 08  depth_explorer(init_network_fn, mlp_forward_fn, mlp_backward_fn)
    notebook 09  dropout_explorer(dropout_fn)
    notebook 10  batch_dependence_explorer(forward_fn)
    notebook 11  early_stopping_explorer(val_losses, stopper_class, train_losses=None)
    notebook 12  spiral_ceiling_explorer(data_fn, mistaken_data_fn, ceiling_fn, seed=0)
"""

from course_lib.widgets.batch_dependence import batch_dependence_explorer
from course_lib.widgets.depth import depth_explorer
from course_lib.widgets.dropout import dropout_explorer
from course_lib.widgets.first_networks import activation_explorer, init_explorer, neuron_explorer
from course_lib.widgets.learning_rate import learning_rate_explorer
from course_lib.widgets.optimizer_paths import optimizer_race
from course_lib.widgets.softmax_loss import softmax_explorer
from course_lib.widgets.spiral_ceiling import spiral_ceiling_explorer
from course_lib.widgets.stopping import early_stopping_explorer

__all__ = ["activation_explorer", "batch_dependence_explorer", "depth_explorer", "dropout_explorer",
           "early_stopping_explorer", "init_explorer", "learning_rate_explorer", "neuron_explorer",
           "optimizer_race", "softmax_explorer", "spiral_ceiling_explorer"]
