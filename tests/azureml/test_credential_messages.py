"""Credential failures read as one line with the cause, never cut mid-word."""

from __future__ import annotations

from gitops_ml.targets.azureml.credentials import clip, diagnose

WORKLOAD_UNCONFIGURED = (
    "WorkloadIdentityCredential authentication unavailable. The workload options are "
    "not fully configured. See the troubleshooting guide for more information: "
    "https://aka.ms/azsdk/python/identity/workloadidentitycredential/troubleshoot. "
    "Missing required arguments: 'tenant_id', 'client_id', 'token_file_path'."
)
DEFAULT_CHAIN = f"""DefaultAzureCredential failed to retrieve a token from the \
included credentials.
Attempted credentials:
\tEnvironmentCredential: EnvironmentCredential authentication unavailable. \
Environment variables are not fully configured.
Visit https://aka.ms/azsdk/python/identity/environmentcredential/troubleshoot to \
troubleshoot this issue.
\tWorkloadIdentityCredential: {WORKLOAD_UNCONFIGURED}
\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable, \
no response from the IMDS endpoint.
\tAzureCliCredential: Azure CLI not found on path
To mitigate this issue, please refer to the troubleshooting guidelines here at \
https://aka.ms/azsdk/python/identity/defaultazurecredential/troubleshoot."""


def test_long_message_is_cut_between_words_with_an_ellipsis() -> None:
    text = "word " * 100

    cut = clip(text, 50)

    assert len(cut) <= 50
    assert cut.endswith("word...")


def test_missing_arguments_stay_intact_and_links_are_dropped() -> None:
    cause = diagnose("workload-identity", ValueError(WORKLOAD_UNCONFIGURED), {})

    assert cause.detail.endswith(
        "Missing required arguments: 'tenant_id', 'client_id', 'token_file_path'."
    )
    assert "https://" not in cause.detail
    assert cause.hint.startswith(
        "set AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE"
    )


def test_hint_names_only_the_variables_that_are_unset() -> None:
    environ = {"AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"}

    cause = diagnose("workload-identity", ValueError(WORKLOAD_UNCONFIGURED), environ)

    assert cause.hint.startswith("set AZURE_FEDERATED_TOKEN_FILE (")


def test_default_credential_lists_every_credential_it_tried() -> None:
    cause = diagnose("default", RuntimeError(DEFAULT_CHAIN), {})

    assert cause.detail == (
        "tried EnvironmentCredential, WorkloadIdentityCredential, "
        "ManagedIdentityCredential, AzureCliCredential; none was available"
    )


def test_default_credential_names_the_one_that_failed_and_why() -> None:
    chain = (
        DEFAULT_CHAIN.replace(
            WORKLOAD_UNCONFIGURED, "[Errno 2] No such file or directory: '/run/token'"
        )
        .replace("\tManagedIdentityCredential", "\tX")
        .replace("\tAzureCliCredential", "\tY")
    )

    cause = diagnose("default", RuntimeError(chain), {})

    assert cause.detail == (
        "WorkloadIdentityCredential: token file /run/token not found; tried "
        "EnvironmentCredential, WorkloadIdentityCredential"
    )
    assert "AZURE_FEDERATED_TOKEN_FILE" in cause.hint


def test_missing_token_file_error_names_the_file() -> None:
    error = FileNotFoundError(2, "No such file or directory", "/nonexistent")

    cause = diagnose("workload-identity", error, {})

    assert cause.detail == "token file /nonexistent not found"
