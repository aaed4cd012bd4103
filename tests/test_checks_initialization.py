import math

from gdcore import checks


def test_xavier_bound_right_and_typical_mistakes():
    assert checks.check_xavier_bound(lambda a, b: math.sqrt(6 / (a + b))).passed
    r = checks.check_xavier_bound(lambda a, b: math.sqrt(2 / (a + b)))
    assert not r.passed and "standard deviation" in r.message and "returned 0.1443, expected 0.25" in r.message
    r = checks.check_xavier_bound(lambda a, b: math.sqrt(6 / (a * b)))
    assert not r.passed and "Add the fans" in r.message
    r = checks.check_xavier_bound(lambda a, b: math.sqrt(6 / a))
    assert not r.passed and "Kaiming" in r.message
    r = checks.check_xavier_bound(lambda a, b: "0.25")
    assert not r.passed and "xavier_bound(64, 32) should be a number like 0.1, but it is '0.25'" in r.message


def test_kaiming_std_right_and_typical_mistakes():
    right = lambda shape, mode: math.sqrt(2 / (shape[0] if mode == "fan_in" else shape[1]))  # noqa: E731
    assert checks.check_kaiming_std(right).passed
    r = checks.check_kaiming_std(lambda shape, mode: math.sqrt(2 / (shape[1] if mode == "fan_in" else shape[0])))
    assert not r.passed and "swapped" in r.message and "returned 0.25, expected 0.1768" in r.message
    r = checks.check_kaiming_std(lambda shape, mode: 2 / (shape[0] if mode == "fan_in" else shape[1]))
    assert not r.passed and "square root" in r.message
    r = checks.check_kaiming_std(lambda shape, mode: math.sqrt(2 / (shape[0] + shape[1])))
    assert not r.passed and "Xavier" in r.message
    r = checks.check_kaiming_std(lambda shape, mode: math.sqrt(2 / shape[0]))  # ignores mode
    assert not r.passed and "kaiming_std((64, 32), 'fan_out') returned" in r.message


def test_relu_variance_factor_right_and_typical_mistakes():
    assert checks.check_relu_variance_factor(lambda n, s, d: (n * s**2 / 2) ** d).passed
    r = checks.check_relu_variance_factor(lambda n, s, d: (n * s**2) ** d)
    assert not r.passed and "divide n·s_w² by 2" in r.message
    r = checks.check_relu_variance_factor(lambda n, s, d: n * s**2 / 2)
    assert not r.passed and "power depth" in r.message
    r = checks.check_relu_variance_factor(lambda n, s, d: math.sqrt((n * s**2 / 2) ** d))
    assert not r.passed and "standard deviation" in r.message


def test_relu_stack_alive_widget_exercise():
    assert checks.check_relu_stack_alive(["kaiming_normal", "kaiming_uniform"]).passed
    assert checks.check_relu_stack_alive(("kaiming_uniform", "kaiming_normal")).passed
    r = checks.check_relu_stack_alive("kaiming_normal")
    assert not r.passed and "not the only one" in r.message
    r = checks.check_relu_stack_alive(["kaiming_normal", "kaiming_uniform", "xavier_uniform"])
    assert not r.passed and "xavier_uniform is vanishing" in r.message
    r = checks.check_relu_stack_alive(["N(0, 1)"])
    assert not r.passed and "N(0, 1) is exploding" in r.message
    r = checks.check_relu_stack_alive(["he"])
    assert not r.passed and "not one of the explorer's schemes" in r.message
    r = checks.check_relu_stack_alive([])
    assert not r.passed and "empty" in r.message


def test_unattempted_stubs_fail_with_one_sentence():
    def stub(*args):
        raise NotImplementedError("Exercise 6.1: the Xavier bound")

    r = checks.check_xavier_bound(stub)
    assert not r.passed and r.message.startswith("Not attempted yet")
    assert not checks.check_relu_variance_factor(stub).passed
    assert {e.id for e in checks.exercises_of_chapter(6)} == {"6.1", "6.2", "6.3", "6.4", "6.5"}
    r = checks.check_predict_then_measure(stub, None)  # a function where a number belongs
    assert not r.passed and "predicted_ratio should be a number" in r.message


def test_close_answers_are_shown_with_enough_digits():
    r = checks.check_xavier_bound(lambda a, b: math.sqrt(6 / (a + b)) * (1 + 1e-7))
    assert not r.passed and "returned 0.25000003, expected 0.25." in r.message


def test_wrongly_typed_answers_get_a_sentence_about_the_type():
    for check in (checks.check_xavier_bound, checks.check_kaiming_std, checks.check_relu_variance_factor):
        r = check(lambda *args: None)
        assert not r.passed and "should be a number like 0.1, but it is None" in r.message
        assert "raised" not in r.message
    r = checks.check_relu_stack_alive(None)
    assert not r.passed and "should be a list of scheme names" in r.message
    r = checks.check_relu_stack_alive([1, 2])
    assert not r.passed and "(strings)" in r.message


def test_predict_then_measure():
    from gdcore.checks.initialization import _measured_ratios

    measured = _measured_ratios()
    factor = 64 * 0.3**2 / 2  # of the variance, per layer
    right = math.sqrt(factor) ** 7
    r = checks.check_predict_then_measure(right, measured)
    assert r.passed and "predicted 40.54" in r.message and "over 5 seeds" in r.message
    r = checks.check_predict_then_measure(math.sqrt(factor) ** 8, measured)  # eight layers instead of seven
    assert not r.passed and "7 layers, not 8" in r.message and "40.5" not in r.message
    r = checks.check_predict_then_measure(math.sqrt(2 * factor) ** 7, measured)  # forgot the ReLU's 1/2
    assert not r.passed and "n·s_w²/2, not n·s_w²" in r.message
    r = checks.check_predict_then_measure(factor ** 7, measured)  # variance, not std
    assert not r.passed and "square root" in r.message
    r = checks.check_predict_then_measure(right, [m ** 2 for m in measured])
    assert not r.passed and "ratio of variances" in r.message
    r = checks.check_predict_then_measure(right, measured[:3])
    assert not r.passed and "five numbers" in r.message
    r = checks.check_predict_then_measure("11.3", measured)
    assert not r.passed and "predicted_ratio should be a number like 0.1, but it is '11.3'" in r.message
    r = checks.check_predict_then_measure(right, 11.3)
    assert not r.passed and "should be a list of five numbers" in r.message
    r = checks.check_predict_then_measure(right, ["a"] * 5)
    assert not r.passed and "measured_ratios[0] should be a number" in r.message


def test_a_number_where_a_function_belongs_gets_a_sentence():
    for check in (checks.check_xavier_bound, checks.check_kaiming_std, checks.check_relu_variance_factor):
        r = check(0.25)
        assert not r.passed and "should be a function" in r.message and "raised" not in r.message
