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
        ["track.download_encryption"] = ("下载加密证书", "Download the encryption certificate"),
        ["track.envelope"] = ("加密私钥数字信封（仅能用您的签名私钥打开）", "Encryption key envelope (opens only with your signing key)"),
        ["track.duplicate"] = ("相同的申请（同一证书请求、同一证书类型）已在审核中，未重复提交。请保存此跟踪链接：", "The same application (same request, same profile) is already waiting for review; nothing new was submitted. Keep this tracking link:"),
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
        ["review.progress"] = ("已批准 {0}/{1}", "Approved {0}/{1}"),
        ["review.decisions"] = ("审批记录", "Decisions so far"),
        ["review.approved"] = ("批准", "approved"),
        ["review.rejected"] = ("驳回", "rejected"),
        ["review.accountRole"] = ("该账户持有角色“{0}”：此证书将以该角色登录，请核实申请人身份。", "This account holds the role {0}: the certificate will log in with it; verify the applicant's identity."),
        ["review.youDecided"] = ("您已对该申请作出决定；还需其他审核员审批。", "You have decided on this application; another officer must approve it."),
        ["queue.submitted"] = ("提交时间", "Submitted"),
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
        ["accounts.search"] = ("按姓名、工号、主题或证书序列号查找", "Find by name, staff ID, subject or certificate serial"),
        ["accounts.pick"] = ("选择", "Select"),
        ["accounts.enrol"] = ("新审核员：在此登记 staff:工号 并设置角色；本人随后在“申请证书”页以该工号申请员工登录证书，经两名审核员批准后即以该角色登录（或由运维人员执行 pki officer add）。", "A new officer: register staff:ID here with the role; the person then applies for a staff login certificate with that staff ID, and once two officers approve it logs in with the role (or an operator runs pki officer add)."),
        ["audit.title"] = ("审计日志", "Audit trail"),
        ["audit.intact"] = ("哈希链校验通过", "Hash chain verified"),
        ["audit.broken"] = ("哈希链校验失败", "Hash chain broken"),
        ["audit.action"] = ("操作", "Action"),
        ["audit.actor"] = ("操作者", "Actor"),
        ["status.certificate.Intent"] = ("签发中", "Being issued"),
        ["status.certificate.Issued"] = ("有效", "Valid"),
        ["status.certificate.Revoked"] = ("已吊销", "Revoked"),
        ["status.certificate.OnHold"] = ("已冻结", "On hold"),
        ["kind.Issue"] = ("证书申请", "Certificate application"),
        ["kind.Revoke"] = ("吊销申请", "Revocation request"),
        ["kind.Release"] = ("解冻申请", "Release request"),
        ["kind.Service"] = ("平台服务证书", "Platform service certificate"),
        ["role.Officer"] = ("审核员", "Officer"),
        ["role.RaAdmin"] = ("注册机构管理员", "RA administrator"),
        ["role.Auditor"] = ("审计员", "Auditor"),
        ["role.none"] = ("无", "none"),
        ["reason.unspecified"] = ("未指明", "Unspecified"),
        ["reason.keyCompromise"] = ("密钥泄露", "Key compromise"),
        ["reason.cACompromise"] = ("CA 密钥泄露", "CA compromise"),
        ["reason.affiliationChanged"] = ("隶属关系变更", "Affiliation changed"),
        ["reason.superseded"] = ("已被取代", "Superseded"),
        ["reason.cessationOfOperation"] = ("停止使用", "Cessation of operation"),
        ["reason.certificateHold"] = ("冻结", "Certificate hold"),
        ["reason.privilegeWithdrawn"] = ("权限撤销", "Privilege withdrawn"),
        ["action.certificate.issued"] = ("签发证书", "Certificate issued"),
        ["action.certificate.ra_bypassed"] = ("未经注册机构签发", "Issued without the RA"),
        ["action.certificate.revoked"] = ("吊销证书", "Certificate revoked"),
        ["action.certificate.held"] = ("冻结证书", "Certificate held"),
        ["action.certificate.released"] = ("解冻证书", "Certificate released"),
        ["action.certificate.intent_abandoned"] = ("放弃签发", "Issuance abandoned"),
        ["action.crl.generated"] = ("生成 CRL", "CRL generated"),
        ["action.key.generated"] = ("生成密钥", "Key generated"),
        ["action.key.destroyed"] = ("销毁密钥", "Key destroyed"),
        ["action.authority.created"] = ("创建 CA", "CA created"),
        ["action.ocsp.responder_provisioned"] = ("签发 OCSP 响应者证书", "OCSP responder provisioned"),
        ["action.service_key.created"] = ("创建服务密钥", "Service key created"),
        ["action.service_key.disabled"] = ("停用服务密钥", "Service key disabled"),
        ["action.account.registered"] = ("登记账户", "Account registered"),
        ["action.account.changed"] = ("修改账户", "Account changed"),
        ["action.account.certificate_bound"] = ("绑定证书", "Certificate bound"),
        ["action.cms.signed"] = ("签名", "Signed"),
        ["action.cms.decrypted"] = ("解密", "Decrypted"),
        ["action.database.role_granted"] = ("创建数据库角色", "Database role granted"),
        ["action.ra.request_submitted"] = ("提交申请", "Application submitted"),
        ["action.ra.request_approved"] = ("批准申请", "Application approved"),
        ["action.ra.request_rejected"] = ("驳回申请", "Application rejected"),
        ["action.ra.revocation_requested"] = ("申请吊销", "Revocation requested"),
        ["action.ra.release_requested"] = ("申请解冻", "Release requested"),
        ["revoke.title"] = ("吊销证书", "Revoke a certificate"),
        ["revoke.holder"] = ("所属账户", "Account"),
        ["revoke.reason"] = ("吊销原因（必选）", "Reason (required)"),
        ["revoke.consequences"] = ("吊销后数秒内 OCSP 即答复“已吊销”，下一次发布的 CRL 会列入该证书；吊销不能撤回。", "Within seconds of the revocation the OCSP responder answers \"revoked\", and the next CRL lists the certificate; a revocation cannot be undone."),
        ["revoke.approvals"] = ("还需 {0} 名其他审核员批准后生效。", "It takes effect after {0} more officer(s) approve."),
        ["revoke.immediate"] = ("确认后立即生效。", "It takes effect as soon as you confirm."),
        ["revoke.confirm"] = ("确认吊销", "Revoke the certificate"),
        ["revoke.cancel"] = ("取消", "Cancel"),
        ["revoke.back"] = ("返回证书列表", "Back to the certificates"),
        ["errorpage.401"] = ("无法登录", "Login refused"),
        ["errorpage.401.what"] = ("此页面需要本平台签发的有效登录证书（USB Key）。请插入 USB Key 后重新打开页面；证书过期、被吊销或冻结时请联系注册机构。", "This page needs a valid login certificate issued by this platform (USB key). Insert the USB key and open the page again; if the certificate expired, was revoked or is on hold, contact the registration authority."),
        ["errorpage.403"] = ("没有访问权限", "Not allowed"),
        ["errorpage.403.what"] = ("您的账户没有此页面所需的角色；如需该角色，请联系注册机构管理员。", "Your account lacks the role this page needs; ask an RA administrator if you should have it."),
        ["errorpage.403.roles"] = ("此页面需要角色：{0}；您的账户角色：{1}。", "This page needs the role {0}; your account holds {1}."),
        ["errorpage.404"] = ("找不到该页面", "Page not found"),
        ["errorpage.404.what"] = ("地址不存在。若这是申请的跟踪链接，请检查链接是否完整（应包含 32 位代码）。", "There is nothing at this address. If it is an application's tracking link, check that it was copied whole (it carries a 32-character code)."),
        ["errorpage.400"] = ("请求无效", "Invalid request"),
        ["errorpage.400.what"] = ("浏览器发送的请求无效或过大。请返回上一页重试。", "The browser sent an invalid or too large request. Go back and try again."),
        ["errorpage.429"] = ("请求过于频繁", "Too many requests"),
        ["errorpage.429.what"] = ("请稍候一分钟再试。", "Wait a minute and try again."),
        ["errorpage.500"] = ("服务出错", "Service failure"),
        ["errorpage.500.what"] = ("服务内部出错，操作未完成。请稍后重试；如仍失败，请将下面的跟踪号告知运维人员。", "The service failed and nothing was done. Try again later; if it fails again, give the trace id below to the operators."),
        ["errorpage.trace"] = ("跟踪号", "Trace id"),
        ["certs.requestedId"] = ("已提交请求 #{0}", "Request #{0} submitted"),
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

    /// <summary>A profile's display name in the user's language (its file's displayName; the technical name if none).</summary>
    public string Profile(string name)
    {
        var profile = accessor.HttpContext?.RequestServices.GetService(typeof(RegistrationAuthority)) is RegistrationAuthority ra
            ? ra.Ca.Profiles.All.FirstOrDefault(p => p.Name == name) : null;
        var shown = profile?.DisplayName.In(Language);
        return string.IsNullOrEmpty(shown) ? name : shown;
    }

    /// <summary>A profile's description in the user's language.</summary>
    public string ProfileDescription(CaCore.Profiles.CertificateProfile profile) => profile.Descriptions.In(Language);

    public string CertificateStatus(CaCore.Storage.CertificateStatus status) => this["status.certificate." + status];

    public string RequestKind(CaCore.Storage.RaRequestKind kind) => this["kind." + kind];

    public string Role(CaCore.Storage.RaRole? role) => role is { } r ? this["role." + r] : this["role.none"];

    /// <summary>An RFC 5280 revocation reason by its name (keyCompromise …).</summary>
    public string Reason(string name) => Texts.ContainsKey("reason." + name) ? this["reason." + name] : name;

    /// <summary>An audit action by its stable name (certificate.issued …), the name itself where no wording is known.</summary>
    public string AuditAction(string action) => Texts.ContainsKey("action." + action) ? this["action." + action] : action;

    /// <summary>A text with placeholders ({0}, {1}) filled in.</summary>
    public string Format(string key, params object[] arguments) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, this[key], arguments);

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
        ["error.profile.dual"] = "该证书类型属于双证书：加密证书的密钥由密钥管理中心产生，请申请对应的双证书类型",
        ["error.kmc.bad_response"] = "密钥管理中心的应答不正确（密钥数量、类型重复或不符），未签发任何证书，请联系系统管理员",
        ["error.kmc.reservation_expired"] = "密钥管理中心分配的加密密钥已超过保留时限（证书系统处理停滞），未签发任何证书，请重试",
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
        ["error.ra.platform_certificate"] = "这是平台自身的证书，只能由运维人员吊销",
        ["error.ra.reason_required"] = "请选择吊销原因",
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
        ["pid.unreadable"] = "证书请求中的身份标识扩展无法读取：{0}",
        ["pid.none"] = "未申请身份标识扩展",
        ["pid.not-allowed"] = "证书类型“{0}”不包含 {1} 扩展（个人信息），请从请求中删除",
        ["pid.malformed"] = "{0} 扩展格式错误：{1}",
        ["pid.allowed"] = "证书类型允许的身份标识扩展：{0}",
        ["csr.sha1"] = "请求使用 SHA-1 签名，不予接受；请使用 SHA-256 或更强的算法重新签名",
        ["csr.algorithm"] = "不支持请求的签名算法 {0}；请使用 SHA-256 配合 RSA、ECDSA 或 SM2",
        ["csr.pop"] = "请求由其自身密钥签名（持有证明）",
        ["csr.bad-signature"] = "请求签名无法用其包含的公钥验证：请求被篡改，或并非由该密钥签名",
        ["csr.unverifiable"] = "无法校验请求签名：{0}",
    };

    /// <summary>
    /// For the language-purity test: the portal's own phrases that must not appear on a page shown in
    /// <paramref name="pageLanguage"/> — the other language's texts (Chinese phrases of two or more characters; English
    /// phrases of two or more words), without placeholders; the language switch is the one exception.
    /// </summary>
    public static IReadOnlyList<string> Phrases(string pageLanguage)
    {
        static bool Fixed(string text) => !text.Contains('{', StringComparison.Ordinal);
        var texts = Texts.Where(t => t.Key != "lang.switch").Select(t => t.Value).ToList();
        return pageLanguage == "en"
            ? [.. texts.Select(t => t.Zh).Concat(ErrorTexts.Values).Concat(CheckTexts.Values).Where(t => t.Length >= 2 && Fixed(t)).Distinct()]
            : [.. texts.Select(t => t.En).Where(t => t.Trim().Contains(' ', StringComparison.Ordinal) && Fixed(t)).Distinct()];
    }

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
