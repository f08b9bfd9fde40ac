using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DualCertificates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "encryption_serial",
                table: "ra_requests",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "envelope",
                table: "ra_requests",
                type: "bytea",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "envelope_format",
                table: "ra_requests",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "encryption_serial",
                table: "ra_requests");

            migrationBuilder.DropColumn(
                name: "envelope",
                table: "ra_requests");

            migrationBuilder.DropColumn(
                name: "envelope_format",
                table: "ra_requests");
        }
    }
}
