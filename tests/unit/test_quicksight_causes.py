"""A QuickSight job's failure as the renderer words it: what QuickSight said, without the result's
signed URL, its bucket host or the role's name."""

from __future__ import annotations

import pytest

from agent.jobs.errors import TransientRenderError
from agent.renderers.quicksight.renderer import _result_uri


def test_a_failed_file_names_quicksights_error_without_where_or_as_whom() -> None:
    result = {
        "Result": {
            "AnonymousUsers": [
                {
                    "FileGroups": [
                        {
                            "S3Results": [
                                {
                                    "ErrorInfo": [
                                        {
                                            "ErrorType": "PERMISSION_DENIED",
                                            "ErrorMessage": "cannot write https://qs-results.s3.amazonaws.com/x.pdf"
                                            '?X-Amz-Signature=abcd1234 as user "quicksight-service-role"',
                                        }
                                    ]
                                }
                            ]
                        }
                    ]
                }
            ]
        }
    }
    with pytest.raises(TransientRenderError) as failed:
        _result_uri(result, "job-1")
    cause = failed.value.cause
    assert cause.startswith(
        "QuickSight snapshot job job-1: PERMISSION_DENIED: cannot write https://<host>/x.pdf"
    )
    for secret in ("abcd1234", "qs-results", "quicksight-service-role"):
        assert secret not in cause
