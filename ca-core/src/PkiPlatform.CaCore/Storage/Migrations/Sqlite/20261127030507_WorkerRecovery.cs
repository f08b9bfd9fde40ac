using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WorkerRecovery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "claimed_at",
                table: "ra_requests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_certificates_intents",
                table: "certificates",
                column: "created_at",
                filter: "status = 0");

            migrationBuilder.CreateIndex(
                name: "ix_audit_events_ra_actor",
                table: "audit_events",
                column: "actor",
                filter: "actor LIKE 'ra:request/%'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_certificates_intents",
                table: "certificates");

            migrationBuilder.DropIndex(
                name: "ix_audit_events_ra_actor",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "claimed_at",
                table: "ra_requests");
        }
    }
}
