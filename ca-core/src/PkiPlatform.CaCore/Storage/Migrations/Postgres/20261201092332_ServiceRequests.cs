using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ServiceRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "authority",
                table: "ra_requests",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "validity_days",
                table: "ra_requests",
                type: "integer",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "authority",
                table: "ra_requests");

            migrationBuilder.DropColumn(
                name: "validity_days",
                table: "ra_requests");
        }
    }
}
