using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PkiPlatform.Kmc.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "kmc_keys",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    KeyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Algorithm = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    PublicKeyInfo = table.Column<byte[]>(type: "bytea", nullable: false),
                    PublicKeyHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Ciphertext = table.Column<byte[]>(type: "bytea", nullable: false),
                    MasterKeyLabel = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Authority = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CertificateSerial = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActivatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    EndReason = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_kmc_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "kmc_recoveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    KeyId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    RecipientCertificate = table.Column<byte[]>(type: "bytea", nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Envelope = table.Column<byte[]>(type: "bytea", nullable: true),
                    EnvelopeFormat = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_kmc_recoveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "kmc_recovery_approvals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RecoveryId = table.Column<long>(type: "bigint", nullable: false),
                    Approver = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Certificate = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_kmc_recovery_approvals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_kmc_recovery_approvals_kmc_recoveries_RecoveryId",
                        column: x => x.RecoveryId,
                        principalTable: "kmc_recoveries",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_kmc_keys_Authority_CertificateSerial",
                table: "kmc_keys",
                columns: new[] { "Authority", "CertificateSerial" });

            migrationBuilder.CreateIndex(
                name: "IX_kmc_keys_KeyId",
                table: "kmc_keys",
                column: "KeyId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_kmc_keys_PublicKeyHash",
                table: "kmc_keys",
                column: "PublicKeyHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_kmc_keys_Status_CreatedAt",
                table: "kmc_keys",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_kmc_recoveries_KeyId",
                table: "kmc_recoveries",
                column: "KeyId");

            migrationBuilder.CreateIndex(
                name: "IX_kmc_recovery_approvals_RecoveryId_Approver",
                table: "kmc_recovery_approvals",
                columns: new[] { "RecoveryId", "Approver" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "kmc_keys");

            migrationBuilder.DropTable(
                name: "kmc_recovery_approvals");

            migrationBuilder.DropTable(
                name: "kmc_recoveries");
        }
    }
}
