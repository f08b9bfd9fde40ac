using Microsoft.AspNetCore.Http;

namespace PkiPlatform.RaPortal.Host.Portal;

/// <summary>The portal's words in Chinese (zh-CN, the default) and English, chosen by the "lang" cookie.</summary>
public sealed class PortalText(IHttpContextAccessor accessor)
{
    public const string Cookie = "lang";
    public const string TimeZoneCookie = "tz";

    /// <summary>Zones offered in the header; the platform's users are in China, so China Standard Time is the default.</summary>
    public static readonly IReadOnlyList<string> TimeZones = ["Asia/Shanghai", "UTC", "Asia/Hong_Kong", "Europe/London", "America/New_York"];

    private static readonly Dictionary<string, (string Zh, string En)> Texts = new(StringComparer.Ordinal)
    {
        ["title"] = ("人社电子认证服务 · 注册审核", "HR/SS PKI · Registration Authority"),
        ["nav.home"] = ("首页", "Home"),
        ["nav.apply"] = ("申请证书", "Apply for a certificate"),
        ["nav.queue"] = ("审核队列", "Review queue"),
        ["lang.switch"] = ("English", "中文"),
        ["home.intro"] = ("在此申请数字证书；审核员使用 USB Key 证书登录后审核申请。", "Apply for a certificate here; RA officers review applications after logging in with their USB-key certificate."),
        ["apply.title"] = ("申请证书", "Apply for a certificate"),
        ["apply.profile"] = ("证书类型", "Certificate profile"),
        ["apply.name"] = ("姓名", "Name"),
        ["apply.staffId"] = ("工号", "Staff ID"),
        ["apply.organization"] = ("单位", "Organisation"),
        ["apply.unit"] = ("部门", "Unit"),
        ["apply.contact"] = ("联系方式", "Contact"),
        ["apply.csr"] = ("证书请求（PKCS#10，PEM 格式）", "Certificate request (PKCS#10, PEM)"),
        ["apply.csrFile"] = ("或上传请求文件", "or upload the request file"),
        ["apply.preview"] = ("检查请求", "Check the request"),
        ["apply.submit"] = ("提交申请", "Submit the application"),
        ["apply.decoded"] = ("请求内容", "Decoded request"),
        ["apply.subject"] = ("主题", "Subject"),
        ["apply.key"] = ("密钥", "Key"),
        ["apply.sans"] = ("备用名称", "Subject alternative names"),
        ["apply.rules"] = ("策略检查", "Profile rules"),
        ["apply.done"] = ("申请已提交。请保存此跟踪链接：", "Application submitted. Keep this tracking link:"),
        ["track.title"] = ("申请状态", "Application status"),
        ["track.status"] = ("状态", "Status"),
        ["track.download"] = ("下载证书", "Download the certificate"),
        ["queue.title"] = ("待审核申请", "Applications to review"),
        ["queue.search"] = ("搜索", "Search"),
        ["queue.empty"] = ("没有待审核的申请。", "No application is waiting."),
        ["queue.previous"] = ("上一页", "Previous"),
        ["queue.next"] = ("下一页", "Next"),
        ["review.title"] = ("审核申请", "Review application"),
        ["review.approvals"] = ("所需审批人数", "Approvals required"),
        ["review.reason"] = ("意见（驳回时必填）", "Reason (required to reject)"),
        ["review.approve"] = ("批准", "Approve"),
        ["review.reject"] = ("驳回", "Reject"),
        ["review.submittedBy"] = ("提交者", "Submitted by"),
        ["field.required"] = ("此项必填", "This field is required"),
        ["refused.title"] = ("无法登录", "Login refused"),
        ["nav.certificates"] = ("证书管理", "Certificates"),
        ["nav.accounts"] = ("账户与角色", "Accounts"),
        ["nav.audit"] = ("审计日志", "Audit trail"),
        ["certs.title"] = ("证书", "Certificates"),
        ["certs.serial"] = ("序列号", "Serial"),
        ["certs.validTo"] = ("有效期至", "Valid to"),
        ["certs.revoke"] = ("吊销", "Revoke"),
        ["certs.hold"] = ("冻结", "Hold"),
        ["certs.release"] = ("解冻", "Release"),
        ["certs.requested"] = ("已提交请求", "Request submitted"),
        ["review.history"] = ("该申请人的其他申请", "Other applications of this applicant"),
        ["accounts.title"] = ("账户与角色", "Accounts and roles"),
        ["accounts.identity"] = ("账户标识（staff:工号 / system:系统名）", "Account (staff:ID / system:NAME)"),
        ["accounts.displayName"] = ("显示名称", "Display name"),
        ["accounts.role"] = ("角色", "Role"),
        ["accounts.active"] = ("启用", "Active"),
        ["accounts.save"] = ("保存", "Save"),
        ["audit.title"] = ("审计日志", "Audit trail"),
        ["audit.intact"] = ("哈希链校验通过", "Hash chain verified"),
        ["audit.broken"] = ("哈希链校验失败", "Hash chain broken"),
        ["audit.action"] = ("操作", "Action"),
        ["audit.actor"] = ("操作者", "Actor"),
    };

    public string Language
    {
        get
        {
            var requested = accessor.HttpContext?.Request.Cookies[Cookie];
            return requested == "en" ? "en" : "zh-CN";
        }
    }

    public TimeZoneInfo TimeZone
    {
        get
        {
            var requested = accessor.HttpContext?.Request.Cookies[TimeZoneCookie];
            var id = requested is not null && TimeZones.Contains(requested) ? requested : TimeZones[0];
            return TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        }
    }

    /// <summary>A UTC time from the database, shown in the user's zone.</summary>
    public string Time(DateTime utc)
    {
        var zone = TimeZone;
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);
        return $"{local:yyyy-MM-dd HH:mm} ({zone.Id})";
    }

    public string this[string key] =>
        Texts.TryGetValue(key, out var text) ? (Language == "en" ? text.En : text.Zh) : key;

    /// <summary>A profile rule's outcome in the user's language (the core's English where no wording is known).</summary>
    public string Check(CaCore.Issuance.CheckResult check) =>
        Language != "en" && check.MessageKey is { } key && CheckTexts.TryGetValue(key, out var zh)
            ? string.Format(System.Globalization.CultureInfo.InvariantCulture, zh, [.. check.MessageArguments])
            : check.Message;

    /// <summary>
    /// A refusal in the user's language: in Chinese, what went wrong by its stable code, followed by the core's
    /// English detail (which names the field or value to fix).
    /// </summary>
    public string Error(string? code, string message) =>
        Language != "en" && code is not null && ErrorTexts.TryGetValue(MessageKey(code), out var zh) ? $"{zh}（{message}）" : message;

    /// <summary>The registry's message key of a code (<see cref="KeyStore.PkiErrorCode.MessageKey"/>).</summary>
    public static string MessageKey(string code) => new KeyStore.PkiErrorCode(code, 0).MessageKey;

    /// <summary>Whether the Chinese wording of a registered code exists (every code the RA host registers has one).</summary>
    public static bool HasChineseText(KeyStore.PkiErrorCode code) => ErrorTexts.ContainsKey(code.MessageKey);

    private static readonly Dictionary<string, string> ErrorTexts = new(StringComparer.Ordinal)
    {
        ["error.ra.forbidden"] = "您没有执行此操作的权限",
        ["error.ra.unknown_request"] = "找不到该申请",
        ["error.ra.not_pending"] = "该申请已不在待审核状态",
        ["error.ra.own_request"] = "不能审批与自己有关的申请",
        ["error.ca.subject_reserved"] = "该主题名称已属于其他账户或平台身份",
        ["error.account.unknown"] = "账户不存在或未登记",
        ["error.account.exists"] = "该工号已有账户，请使用本人现有证书登录后申请更新",
        ["error.profile.audience"] = "该证书类型不能通过注册机构申请",
        ["error.ra.already_decided"] = "您已对该申请作出过决定",
        ["error.ra.invalid_application"] = "输入不完整或有误",
        ["error.profile.unknown"] = "未知的证书类型",
        ["error.profile.violation"] = "请求不符合证书类型的要求",
        ["error.csr.malformed"] = "证书请求格式错误",
        ["error.csr.bad_signature"] = "证书请求签名无效",
        ["error.ca.unknown_serial"] = "找不到该序列号的证书",
        ["error.ca.already_revoked"] = "该证书已被吊销",
        ["error.ca.not_on_hold"] = "该证书未处于冻结状态",
        ["error.lint.failed"] = "证书检查未通过",
        ["error.argument.invalid"] = "输入有误",
        ["error.profile.invalid"] = "证书类型配置有误，请联系管理员",
        ["error.ca.not_initialised"] = "认证机构尚未初始化",
        ["error.ca.already_initialised"] = "认证机构已初始化",
        ["error.auth.client_certificate"] = "需要本平台签发的有效客户端证书",
        ["error.auth.role_missing"] = "您的账户没有所需的角色",
        ["error.internal"] = "服务内部错误，请将跟踪号告知运维人员",
        ["error.keystore.key_not_found"] = "找不到该密钥",
        ["error.keystore.key_exists"] = "同名密钥已存在",
        ["error.keystore.outside_zone"] = "该密钥不属于本服务的安全区",
        ["error.keystore.wrong_passphrase"] = "密钥库口令错误",
        ["error.keystore.corrupt_key"] = "密钥文件已损坏",
        ["error.keystore.unsupported_algorithm"] = "不支持该密钥算法",
        ["error.keystore.invalid_label"] = "密钥标签不合规",
        ["error.hsm.wrong_pin"] = "密码设备 PIN 错误",
        ["error.hsm.token_not_found"] = "找不到密码设备令牌",
        ["error.hsm.module_not_found"] = "找不到密码设备驱动模块",
        ["error.hsm.failure"] = "密码设备故障",
        ["error.storage.failure"] = "数据库操作失败",
    };

    /// <summary>Chinese wording of the issuance checks' messages (keys and placeholders as in ca-core's checks).</summary>
    private static readonly Dictionary<string, string> CheckTexts = new(StringComparer.Ordinal)
    {
        ["subject.empty"] = "主题项 {0} 为空",
        ["subject.too-long"] = "主题项 {0} 长 {1} 个字符，最多允许 {2} 个",
        ["subject.pattern"] = "主题项 {0}“{1}”不符合证书类型“{2}”的格式要求",
        ["subject.timeout"] = "主题项 {0} 无法及时校验，请缩短",
        ["subject.match"] = "主题各项取值符合证书类型要求",
        ["subject.missing"] = "主题缺少必填项 {0}",
        ["subject.extra"] = "证书类型“{1}”不允许主题项 {0}；允许：{2}",
        ["subject.complete"] = "主题各项齐全且符合要求",
        ["key.allowed"] = "密钥 {0} 符合要求",
        ["key.refused"] = "证书类型“{1}”不接受密钥 {0}；请使用：{2}",
        ["san.required"] = "证书类型“{0}”要求请求中包含备用名称（{1}）",
        ["san.nothing"] = "主题为空且没有备用名称：证书必须标明其主体",
        ["san.none"] = "未申请备用名称",
        ["san.count"] = "申请了 {0} 个备用名称；证书类型“{1}”最多允许 {2} 个",
        ["san.type"] = "证书类型“{1}”不允许 {0} 类型的备用名称（允许：{2}）",
        ["san.malformed"] = "备用名称 {0} 格式错误",
        ["san.pattern"] = "备用名称 {0}“{1}”不符合证书类型“{2}”的格式要求",
        ["san.timeout"] = "备用名称 {0} 无法及时校验，请缩短",
        ["san.allowed"] = "{0} 个备用名称符合要求",
        ["csr.sha1"] = "请求使用 SHA-1 签名，不予接受；请使用 SHA-256 或更强的算法重新签名",
        ["csr.algorithm"] = "不支持请求的签名算法 {0}；请使用 SHA-256 配合 RSA、ECDSA 或 SM2",
        ["csr.pop"] = "请求由其自身密钥签名（持有证明）",
        ["csr.bad-signature"] = "请求签名无法用其包含的公钥验证：请求被篡改，或并非由该密钥签名",
        ["csr.unverifiable"] = "无法校验请求签名：{0}",
    };

    public static string Status(string language, string status) => (language, status) switch
    {
        ("en", _) => status,
        (_, "Pending") => "待审核",
        (_, "Approved") => "已批准，签发中",
        (_, "Processing") => "签发中",
        (_, "Done") => "已完成",
        (_, "Rejected") => "已驳回",
        (_, "Failed") => "失败",
        _ => status,
    };
}
