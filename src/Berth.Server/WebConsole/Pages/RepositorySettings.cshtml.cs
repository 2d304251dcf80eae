using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.IamPolicies;
using Berth.Core.Lifecycle;
using Berth.Core.Naming;
using Berth.Core.Repositories;
using Microsoft.AspNetCore.Mvc;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// A repository's settings and policies, each part authorized as the API call that shows it: the settings (tag
/// mutability and its exclusions, scan on push, encryption) as DescribeRepositories on the repository, the repository
/// policy as GetRepositoryPolicy, the lifecycle policy as GetLifecyclePolicy and its last preview as
/// GetLifecyclePolicyPreview. A part the caller may not see says which action it needs; the page as a whole needs
/// DescribeRepositories. Starting a preview is a POST (anti-forgery token) authorized as StartLifecyclePolicyPreview.
/// </summary>
internal sealed class RepositorySettingsModel : ConsolePageModel
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Name { get; private set; } = "";

    public Repository? Repository { get; private set; }

    /// <summary>The repository policy, indented; null when there is none or it may not be read (<see cref="PolicyNote"/> says which).</summary>
    public string? Policy { get; private set; }

    public string? PolicyNote { get; private set; }

    public string? LifecyclePolicy { get; private set; }

    public string? LifecycleNote { get; private set; }

    public DateTimeOffset? LastEvaluatedAt { get; private set; }

    public LifecyclePreview? Preview { get; private set; }

    public string? PreviewNote { get; private set; }

    public bool MayStartPreview { get; private set; }

    public async Task OnGetAsync(string? name) => await LoadAsync(name).ConfigureAwait(false);

    public async Task<IActionResult> OnPostPreviewAsync(string? name)
    {
        if (!RepositoryName.TryParse(name, out var repository))
        {
            return await LoadPageAsync(name).ConfigureAwait(false);
        }

        if (await DeniedAsync(EcrActions.StartLifecyclePolicyPreview, Registry.RepositoryArn(repository.Value)).ConfigureAwait(false) is not null)
        {
            return Page();
        }

        try
        {
            await Service<LifecycleService>().StartPreviewAsync(repository, null, Aborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error != EcrErrors.AccessDenied)
        {
            Fail(e);
            return Page();
        }

        return Redirect($"/console/repository-settings?name={Uri.EscapeDataString(repository.Value)}#lifecycle-preview");
    }

    private async Task<IActionResult> LoadPageAsync(string? name)
    {
        await LoadAsync(name).ConfigureAwait(false);
        return Page();
    }

    private async Task LoadAsync(string? name)
    {
        if (!RepositoryName.TryParse(name, out var repository))
        {
            Fail(new RegistryException(EcrErrors.RepositoryNotFound, $"The repository with name '{name}' does not exist in the registry with id '{Registry.AccountId}'"));
            return;
        }

        Name = repository.Value;
        var arn = Registry.RepositoryArn(Name);
        if (await DeniedAsync(EcrActions.DescribeRepositories, arn).ConfigureAwait(false) is not null)
        {
            return;
        }

        try
        {
            Repository = await Service<RepositoryService>().GetAsync(repository, Aborted).ConfigureAwait(false);
        }
        catch (RegistryException e) when (e.Error != EcrErrors.AccessDenied)
        {
            Fail(e);
            return;
        }

        (Policy, PolicyNote) = await ReadAsync(EcrActions.GetRepositoryPolicy, arn, EcrErrors.RepositoryPolicyNotFound, "This repository has no policy.",
            async () => await Service<RepositoryService>().GetPolicyAsync(repository, Aborted).ConfigureAwait(false)).ConfigureAwait(false);
        (LifecyclePolicy, LifecycleNote) = await ReadAsync(EcrActions.GetLifecyclePolicy, arn, LifecycleErrors.PolicyNotFound, "This repository has no lifecycle policy.", async () =>
        {
            var stored = await Service<LifecycleService>().GetAsync(repository, Aborted).ConfigureAwait(false);
            LastEvaluatedAt = stored.LastEvaluatedAt;
            return stored.Text;
        }).ConfigureAwait(false);
        (_, PreviewNote) = await ReadAsync(EcrActions.GetLifecyclePolicyPreview, arn, LifecycleErrors.PreviewNotFound, "No preview has been run.", async () =>
        {
            Preview = await Service<LifecycleService>().GetPreviewAsync(repository, Aborted).ConfigureAwait(false);
            return Preview.PolicyText;
        }).ConfigureAwait(false);
        MayStartPreview = LifecyclePolicy is not null && await AllowsAsync(EcrActions.StartLifecyclePolicyPreview, arn).ConfigureAwait(false);
    }

    /// <summary>A part of the page: its text (indented JSON), or a note saying it is missing or which action it needs.</summary>
    private async Task<(string? Text, string? Note)> ReadAsync(string action, string arn, RegistryErrorCode notFound, string missing, Func<Task<string>> read)
    {
        if (!await AllowsAsync(action, arn).ConfigureAwait(false))
        {
            return (null, $"You may not see this ({action}).");
        }

        try
        {
            return (Indent(await read().ConfigureAwait(false)), null);
        }
        catch (RegistryException e) when (e.Error == notFound)
        {
            return (null, missing);
        }
    }

    private static string Indent(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, Indented);
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
