"""Chapter 8's exercise checks: right answers pass, typical mistakes fail with a useful sentence."""

import math

from gdcore import checks
from gdcore.autodiff import Value, topological_order


def softplus_right(v):
    return Value(math.log1p(math.exp(v.data)), parents=(v,), local_grads=(1 / (1 + math.exp(-v.data)),),
                 op="softplus")


def test_softplus():
    assert checks.check_softplus(softplus_right).passed
    r = checks.check_softplus(lambda v: Value(math.log1p(math.exp(v.data)), parents=(v,),
                                              local_grads=(1 / (1 + math.exp(v.data)),)))
    assert not r.passed and "1/(1 + e^x)" in r.message
    r = checks.check_softplus(lambda v: (v.exp() + 1).log())
    assert not r.passed and "one new node" in r.message
    r = checks.check_softplus(lambda v: Value(math.exp(v.data), parents=(v,), local_grads=(1.0,)))
    assert not r.passed and "expected log(1 + e^" in r.message


def stub(*args):
    raise NotImplementedError("Exercise 8.k")


def test_reused_gradient():
    assert checks.check_reused_gradient(4.5).passed
    r = checks.check_reused_gradient(3.0)
    assert not r.passed and "only the path through a" in r.message
    r = checks.check_reused_gradient(3.75)
    assert not r.passed and "a is used twice" in r.message
    r = checks.check_reused_gradient(stub)
    assert not r.passed


def test_graph_steps_widget_exercise():
    x_grad = 0.5 * (1 - math.tanh(0.5) ** 2)
    assert checks.check_graph_steps(2, round(x_grad, 3)).passed
    r = checks.check_graph_steps(1, x_grad)
    assert not r.passed and "parent of 2 nodes" in r.message
    r = checks.check_graph_steps(2, 1 - math.tanh(0.5) ** 2)
    assert not r.passed and "only one of the two terms" in r.message


def backward_right(output):
    grads = {node: 0.0 for node in topological_order(output)}
    grads[output] = 1.0
    for node in reversed(topological_order(output)):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] += local * grads[node]
    return grads


def backward_overwrites(output):
    grads = {output: 1.0}
    for node in reversed(topological_order(output)):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] = local * grads[node]  # the bug: = instead of +=
    return grads


def backward_touches_grad(output):
    output.backward()
    return {node: node.grad for node in topological_order(output)}


def test_backward():
    assert checks.check_backward(backward_right).passed
    r = checks.check_backward(backward_overwrites)
    assert not r.passed and "+=" in r.message
    r = checks.check_backward(backward_touches_grad)
    assert not r.passed and "changed .grad" in r.message
    r = checks.check_backward(stub)
    assert not r.passed and r.message.startswith("Not attempted yet")
