using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Org.BouncyCastle.Ocsp;
using PkiPlatform.CaCore;
using PkiPlatform.TestKit;

namespace PkiPlatform.OcspResponder.Tests;

/// <summary>The responder service on its own: opt-in modes, replicas, a database that goes away.</summary>
[NonParallelizable]
public sealed class ResponderBehaviourTests
{
    [Test]
    public async Task RevokedForNonIssued_OptIn_RevokedHoldAtEpochWithExtendedRevoke()
    {
        await using var pki = await TestPki.CreateAsync();
        var service = new OcspResponderService(pki.Ca, new OcspResponderOptions { RevokedForNonIssued = true }, TimeProvider.System, new OcspMetrics());
        await service.InitializeAsync();

        var answer = await service.RespondAsync(OcspRequests.For(pki.IssuingDer, "7F00000000000000000000000000ABCD"), null);

        var basic = (BasicOcspResp)new OcspResp(answer.Der).GetResponseObject();
        var status = (RevokedStatus)basic.Responses.Single().GetCertStatus();
        Assert.That((status.RevocationTime, status.RevocationReason), Is.EqualTo((DateTime.UnixEpoch, 6)));
        Assert.That(basic.GetExtensionValue(OcspResponseBuilder.ExtendedRevoke), Is.Not.Null);
    }

    [Test]
    public async Task DefaultMode_NonIssuedIsUnknown()
    {
        await using var pki = await TestPki.CreateAsync();
        var service = new OcspResponderService(pki.Ca, new OcspResponderOptions(), TimeProvider.System, new OcspMetrics());
        await service.InitializeAsync();
        var answer = await service.RespondAsync(OcspRequests.For(pki.IssuingDer, "7F00000000000000000000000000ABCD"), null);
        Assert.That(OcspRequests.Single(answer.Der).GetCertStatus(), Is.InstanceOf<UnknownStatus>());
    }

    [Test]
    public async Task Revocation_CaClockBehindResponder_StillPickedUpByNextPoll()
    {
        await using var pki = await TestPki.CreateAsync();
        var leaf = await pki.IssueAsync("staff-auth");
        var responderClock = new FakeTimeProvider(pki.Clock.GetUtcNow().AddMinutes(2)); // the CA host lags two minutes
        var service = new OcspResponderService(pki.Ca, new OcspResponderOptions(), responderClock, new OcspMetrics());
        await service.InitializeAsync();
        var request = OcspRequests.For(pki.IssuingDer, leaf.Serial);
        Assert.That(OcspRequests.Single((await service.RespondAsync(request, "key")).Der).GetCertStatus(), Is.Null, "good, and now cached");
        await service.RefreshAsync();

        await pki.Ca.Revocations.RevokeAsync(leaf.Serial, PkiPlatform.CaCore.Revocation.RevocationReason.KeyCompromise, null, "test");
        responderClock.Advance(TimeSpan.FromSeconds(2));
        await service.RefreshAsync();

        Assert.That(OcspRequests.Single((await service.RespondAsync(request, "key")).Der).GetCertStatus(), Is.InstanceOf<RevokedStatus>());
    }

    [Test]
    public async Task TwoReplicas_SameDatabase_AnswerIdentically()
    {
        await using var pki = await TestPki.CreateAsync();
        var leaf = await pki.RevokedLeafAsync();
        var first = new OcspResponderService(pki.Ca, new OcspResponderOptions(), TimeProvider.System, new OcspMetrics());
        await first.InitializeAsync();
        var replica = new OcspResponderService(pki.Ca, new OcspResponderOptions { ProvisionResponders = false }, TimeProvider.System, new OcspMetrics());
        await replica.InitializeAsync();
        var request = OcspRequests.For(pki.IssuingDer, leaf.Serial);

        var a = (BasicOcspResp)new OcspResp((await first.RespondAsync(request, null)).Der).GetResponseObject();
        var b = (BasicOcspResp)new OcspResp((await replica.RespondAsync(request, null)).Der).GetResponseObject();

        Assert.That(b.ResponderId.ToAsn1Object(), Is.EqualTo(a.ResponderId.ToAsn1Object()));
        var (sa, sb) = ((RevokedStatus)a.Responses.Single().GetCertStatus(), (RevokedStatus)b.Responses.Single().GetCertStatus());
        Assert.That((sb.RevocationTime, sb.RevocationReason), Is.EqualTo((sa.RevocationTime, sa.RevocationReason)));
        Assert.That(b.GetCerts().Single().GetEncoded(), Is.EqualTo(a.GetCerts().Single().GetEncoded()));
    }

    [Test]
    public async Task DatabaseGone_CachedUntilNextUpdate_ThenTryLater_ThenRecovers()
    {
        var server = Environment.GetEnvironmentVariable(TestDatabase.PostgresVariable);
        if (string.IsNullOrEmpty(server))
        {
            Assert.Ignore($"{TestDatabase.PostgresVariable} is not set: this test stops connections to a real PostgreSQL database");
        }

        await using var pki = await TestPki.CreateAsync(provider: "postgres");
        var cachedLeaf = await pki.IssueAsync("staff-auth");
        var uncachedLeaf = await pki.IssueAsync("staff-auth");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var service = new OcspResponderService(pki.Ca, new OcspResponderOptions { NextUpdateSeconds = 3600 }, clock, new OcspMetrics());
        await service.InitializeAsync();
        var cachedRequest = OcspRequests.For(pki.IssuingDer, cachedLeaf.Serial);
        Assert.That(OcspRequests.Status((await service.RespondAsync(cachedRequest, null)).Der), Is.EqualTo(OcspStatus.Successful));

        var database = new NpgsqlConnectionStringBuilder(GetConnectionString(pki.Ca)).Database!;
        await SetConnectionsAsync(server, database, allow: false);
        try
        {
            Assert.That(OcspRequests.Status((await service.RespondAsync(cachedRequest, null)).Der), Is.EqualTo(OcspStatus.Successful), "cached and unexpired: still served");
            Assert.That(OcspRequests.Status((await service.RespondAsync(OcspRequests.For(pki.IssuingDer, uncachedLeaf.Serial), null)).Der), Is.EqualTo(OcspStatus.TryLater), "nothing cached: never a guess");
            await service.RefreshAsync();
            Assert.That(service.StatusSourceHealthy, Is.False);

            clock.Advance(TimeSpan.FromHours(2));
            Assert.That(OcspRequests.Status((await service.RespondAsync(cachedRequest, null)).Der), Is.EqualTo(OcspStatus.TryLater), "past nextUpdate: tryLater");
        }
        finally
        {
            await SetConnectionsAsync(server, database, allow: true);
        }

        await service.RefreshAsync();
        Assert.That(service.StatusSourceHealthy, Is.True);
        Assert.That(OcspRequests.Status((await service.RespondAsync(cachedRequest, null)).Der), Is.EqualTo(OcspStatus.Successful), "recovered by itself");
    }

    private static string GetConnectionString(CertificateAuthority ca)
    {
        using var db = ca.Database.CreateContext();
        return Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetConnectionString(db.Database)!;
    }

    private static async Task SetConnectionsAsync(string server, string database, bool allow)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var alter = new NpgsqlCommand($"ALTER DATABASE {database} ALLOW_CONNECTIONS {(allow ? "true" : "false")}", connection);
        await alter.ExecuteNonQueryAsync();
        if (!allow)
        {
            await using var kill = new NpgsqlCommand($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'", connection);
            await kill.ExecuteNonQueryAsync();
        }
    }
}
