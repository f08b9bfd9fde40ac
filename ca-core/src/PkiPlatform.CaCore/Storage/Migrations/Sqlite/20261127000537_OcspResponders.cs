using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PkiPlatform.CaCore.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class OcspResponders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ocsp_responders",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    authority_id = table.Column<int>(type: "INTEGER", nullable: false),
                    key_label = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    serial = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    certificate_der = table.Column<byte[]>(type: "BLOB", nullable: false),
                    not_before = table.Column<DateTime>(type: "TEXT", nullable: false),
                    not_after = table.Column<DateTime>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ocsp_responders", x => x.id);
                    table.ForeignKey(
                        name: "FK_ocsp_responders_authorities_authority_id",
                        column: x => x.authority_id,
                        principalTable: "authorities",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ocsp_responders_authority_id_not_after",
                table: "ocsp_responders",
                columns: new[] { "authority_id", "not_after" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ocsp_responders");
        }
    }
}
