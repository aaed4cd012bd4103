"""Chapter 8's exercise checks: right answers pass, typical mistakes fail with a useful sentence."""

import math

from gdcore import checks
from gdcore.autodiff import Value, topological_order


def softplus_right(v):
    x = v.data
    e = math.exp(-abs(x))  # never overflows
    sigmoid = 1 / (1 + e) if x >= 0 else e / (1 + e)
    return Value(max(x, 0.0) + math.log1p(e), parents=(v,), local_grads=(sigmoid,), op="softplus")


def softplus_overflows(v):
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
    r = checks.check_softplus(softplus_overflows)  # right for small |v|, overflows at v = 800
    assert not r.passed and "OverflowError" in r.message and "log1p(exp(-|v|))" in r.message
    assert "Your code raised" not in r.message


def stub(*args):
    raise NotImplementedError("Exercise 8.k")


def test_reused_gradient():
    assert checks.check_reused_gradient(4.5).passed
    r = checks.check_reused_gradient(3.0)
    assert not r.passed and "only the path through a" in r.message
    r = checks.check_reused_gradient(3.75)
    assert not r.passed and "a is used twice" in r.message
    r = checks.check_reused_gradient(stub)
    assert not r.passed and "should be a number" in r.message


def test_reused_gradient_never_prints_the_answer():
    for wrong in (0, 4.5001, 3.0, 3.75, 1.5):
        r = checks.check_reused_gradient(wrong)
        assert not r.passed and "4.5 " not in r.message.replace("4.5001", "") and "expected" not in r.message
    r = checks.check_reused_gradient(4.5001)
    assert "4.5001" in r.message
    r = checks.check_reused_gradient("4.5")
    assert not r.passed and "should be a number like" in r.message and "raised" not in r.message


def test_graph_steps_widget_exercise():
    x_grad = 0.5 * (1 - math.tanh(0.5) ** 2)
    assert checks.check_graph_steps(2, round(x_grad, 3)).passed
    assert checks.check_graph_steps(2.0, round(x_grad, 3)).passed
    r = checks.check_graph_steps(1, x_grad)
    assert not r.passed and "count the arrows leaving x" in r.message and " 2 " not in r.message
    r = checks.check_graph_steps(2, 1 - math.tanh(0.5) ** 2)
    assert not r.passed and "only one of the two terms" in r.message and "0.393" not in r.message
    r = checks.check_graph_steps("2", 0.393)
    assert not r.passed and "whole number" in r.message
    r = checks.check_graph_steps(2, None)
    assert not r.passed and "x_grad should be a number" in r.message


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


def test_backward_wrong_type_of_gradient():
    r = checks.check_backward(lambda output: {node: "0" for node in topological_order(output)})
    assert not r.passed and "should be a number" in r.message


def softmax_vjp_right(y, g):
    return y * (g - (g * y).sum(axis=1, keepdims=True))


def test_softmax_vjp():
    r = checks.check_softmax_vjp(softmax_vjp_right)
    assert r.passed and "gradient check" in r.message
    r = checks.check_softmax_vjp(lambda y, g: g * y * (1 - y))
    assert not r.passed and "diagonal" in r.message
    r = checks.check_softmax_vjp(lambda y, g: g * y)
    assert not r.passed and "missing a term" in r.message
    r = checks.check_softmax_vjp(lambda y, g: y * (g - (g * y).sum(axis=0, keepdims=True)))
    assert not r.passed and "wrong axis" in r.message
    r = checks.check_softmax_vjp(lambda y, g: y * (g - (g * y).sum(axis=1)))  # no keepdims: shapes clash
    assert not r.passed and "keepdims=True" in r.message
    r = checks.check_softmax_vjp(lambda y, g: None)
    assert not r.passed and "should return an array" in r.message
    r = checks.check_softmax_vjp(lambda y, g: g[:, 0])
    assert not r.passed and "shape" in r.message
    r = checks.check_softmax_vjp(3.0)
    assert not r.passed and "should be a function" in r.message
    r = checks.check_softmax_vjp(stub)
    assert not r.passed and not r.attempted


def test_a_number_where_a_function_belongs_gets_a_sentence():
    for check in (checks.check_softplus, checks.check_backward, checks.check_softmax_vjp):
        r = check(0.25)
        assert not r.passed and "should be a function" in r.message and "raised" not in r.message
