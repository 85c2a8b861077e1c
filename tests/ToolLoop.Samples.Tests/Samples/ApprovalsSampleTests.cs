namespace ToolLoop.Samples.Tests.Samples;

/// <summary><c>samples/ToolLoop.Samples.Approvals</c>: approve, reject with a reason, and the non-interactive modes.</summary>
public sealed class ApprovalsSampleTests
{
    private const string Sample = "ToolLoop.Samples.Approvals";

    [Fact]
    public async Task Auto_approve_runs_the_guarded_tool_after_the_free_one()
    {
        var (code, stdout, stderr) = await SampleProcess.RunAsync(Sample, string.Empty, "--auto", "approve");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("<- Bergen: 11 °C, light rain.", stdout, StringComparison.Ordinal);
        Assert.Contains("[stop reason: approval_pending]", stdout, StringComparison.Ordinal);
        Assert.Contains("Approve delete_file(/tmp/forecast-cache.json)? y (--auto approve)", stdout, StringComparison.Ordinal);
        Assert.Contains("<- Deleted /tmp/forecast-cache.json.", stdout, StringComparison.Ordinal);
        Assert.EndsWith("[stop reason: completed]\n", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scripted_rejection_sends_its_reason_and_the_tool_never_runs()
    {
        var (code, stdout, stderr) = await SampleProcess.RunAsync(Sample, "maybe\nn keep the cache\n");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("Answer y to run it, or n", stdout, StringComparison.Ordinal);
        Assert.Contains("Reason: keep the cache", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Deleted /tmp", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closed_input_rejects_and_a_bad_argument_is_a_usage_error()
    {
        var (code, stdout, _) = await SampleProcess.RunAsync(Sample, string.Empty);
        Assert.Equal(0, code);
        Assert.Contains("no answer (input closed)", stdout, StringComparison.Ordinal);

        var (badCode, _, badErr) = await SampleProcess.RunAsync(Sample, string.Empty, "--auto", "maybe");
        Assert.Equal(2, badCode);
        Assert.Contains("usage:", badErr, StringComparison.Ordinal);
    }
}
