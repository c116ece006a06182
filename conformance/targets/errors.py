"""The exceptions of the targets layer: what is wrong with a target, and what to do about it."""

from __future__ import annotations


class TargetError(Exception):
    """A target cannot be used as asked.

    A bad ``--target`` value or config file, an unreachable endpoint, an account outside the allow-list, an
    unknown actor or operation. The message always says what is wrong and what to do; callers show it as is.
    """


class RequestBuildError(TargetError):
    """botocore could not turn the given parameters into a request (nothing was sent).

    This is a suite or scenario bug (say, a parameter the model does not have), never a finding about the
    target, so it is kept apart from the transport and service outcomes that ``call()`` returns.
    """
