using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.Identity.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Sessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "oidc_sessions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Sid = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CertificateId = table.Column<long>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AuthorizationId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    EndReason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    LogoutDeliveredAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LogoutError = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_oidc_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_oidc_sessions_EndedAt",
                table: "oidc_sessions",
                column: "EndedAt");

            migrationBuilder.CreateIndex(
                name: "IX_oidc_sessions_Sid",
                table: "oidc_sessions",
                column: "Sid",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_oidc_sessions_Subject",
                table: "oidc_sessions",
                column: "Subject");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "oidc_sessions");
        }
    }
}
