class ApiError(RuntimeError):
    pass


class Interrupt(BaseException):
    pass
