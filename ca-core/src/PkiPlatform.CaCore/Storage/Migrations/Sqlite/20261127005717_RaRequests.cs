using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RaRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ra_accounts",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    identity = table.Column<string>(type: "TEXT", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: false),
                    role = table.Column<int>(type: "INTEGER", nullable: false),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ra_accounts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ra_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    profile = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    csr_der = table.Column<byte[]>(type: "BLOB", nullable: true),
                    subject_dn = table.Column<string>(type: "TEXT", nullable: false),
                    applicant_name = table.Column<string>(type: "TEXT", nullable: false),
                    applicant_staff_id = table.Column<string>(type: "TEXT", nullable: false),
                    organization = table.Column<string>(type: "TEXT", nullable: false),
                    unit = table.Column<string>(type: "TEXT", nullable: false),
                    contact = table.Column<string>(type: "TEXT", nullable: false),
                    submitted_by = table.Column<string>(type: "TEXT", nullable: false),
                    required_approvals = table.Column<int>(type: "INTEGER", nullable: false),
                    serial = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    revocation_reason = table.Column<int>(type: "INTEGER", nullable: true),
                    outcome = table.Column<string>(type: "TEXT", nullable: true),
                    submitted_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    decided_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    completed_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ra_requests", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ra_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    request_id = table.Column<long>(type: "INTEGER", nullable: false),
                    officer = table.Column<string>(type: "TEXT", nullable: false),
                    approved = table.Column<bool>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ra_decisions", x => x.id);
                    table.ForeignKey(
                        name: "FK_ra_decisions_ra_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "ra_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ra_accounts_identity",
                table: "ra_accounts",
                column: "identity",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ra_decisions_request_id_officer",
                table: "ra_decisions",
                columns: new[] { "request_id", "officer" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ra_requests_status_id",
                table: "ra_requests",
                columns: new[] { "status", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_ra_requests_submitted_by",
                table: "ra_requests",
                column: "submitted_by");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ra_accounts");

            migrationBuilder.DropTable(
                name: "ra_decisions");

            migrationBuilder.DropTable(
                name: "ra_requests");
        }
    }
}
